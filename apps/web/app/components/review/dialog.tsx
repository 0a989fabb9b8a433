// A modal dialog on the browser's own <dialog> element (showModal): focus moves inside and
// stays there, Escape closes, the page behind is inert, and the title and description label it.
// No library: Radix's Dialog cost ~12 KB gzipped on every page that opens one, and the review
// page must stay under the 150 KB budget. Content is mounted only while open, as with Radix.
import {
  cloneElement,
  createContext,
  isValidElement,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
  useContext,
  useEffect,
  useId,
  useRef,
} from "react";

const CloseDialog = createContext<() => void>(() => {});

export function Dialog({
  open,
  onOpenChange,
  title,
  description,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description?: string;
  children: ReactNode;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape and close() both end here: the parent's state follows the element.
      onClose={() => {
        if (open) onOpenChange(false);
      }}
      className="m-auto max-h-[90vh] w-[calc(100vw-2rem)] max-w-lg overflow-y-auto rounded-lg bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50"
    >
      {open ? (
        <CloseDialog.Provider value={() => onOpenChange(false)}>
          <h2 id={titleId} className="text-lg font-semibold text-slate-900">
            {title}
          </h2>
          {description ? (
            <p id={descriptionId} className="mt-1 text-sm text-slate-700">
              {description}
            </p>
          ) : null}
          <div className="mt-4">{children}</div>
        </CloseDialog.Provider>
      ) : null}
    </dialog>
  );
}

/** Closes the surrounding Dialog when its child (a button) is clicked. */
export function DialogClose({ children }: { asChild?: boolean; children: ReactElement }) {
  const close = useContext(CloseDialog);
  if (!isValidElement<{ onClick?: (event: MouseEvent) => void }>(children)) return children;
  return cloneElement(children, {
    onClick: (event: MouseEvent) => {
      children.props.onClick?.(event);
      if (!event.defaultPrevented) close();
    },
  });
}
