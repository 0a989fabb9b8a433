// Liveness for load balancers: answers without touching Convex.
export function loader() {
  return Response.json({ ok: true, service: "web" });
}
