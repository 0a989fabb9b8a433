// Every unknown address: a French 404 inside the product layout (root ErrorBoundary).
export function loader() {
  throw new Response("Not Found", { status: 404 });
}

export default function NotFound() {
  return null;
}

export function action() {
  throw new Response("Not Found", { status: 404 });
}
