// The dry run (and what an erasure did), table by table: rows deleted, anonymised, files.
import { tableLabelFr } from "@nexus/shared/table-labels";

export type Counts = Record<string, { deleted: number; anonymised: number; files: number }>;

export function CountsTable({ counts, caption }: { counts: Counts; caption: string }) {
  const rows = Object.entries(counts).sort(([a], [b]) =>
    tableLabelFr(a).localeCompare(tableLabelFr(b), "fr"),
  );
  const total = rows.reduce(
    (sum, [, c]) => ({
      deleted: sum.deleted + c.deleted,
      anonymised: sum.anonymised + c.anonymised,
      files: sum.files + c.files,
    }),
    { deleted: 0, anonymised: 0, files: 0 },
  );
  return (
    <div className="mt-4 overflow-x-auto">
      <table className="w-full min-w-[28rem] border-collapse text-left text-sm">
        <caption className="mb-2 text-left font-semibold text-slate-900">{caption}</caption>
        <thead>
          <tr className="border-b border-slate-300 text-slate-700">
            <th scope="col" className="py-2 pr-4">
              Données
            </th>
            <th scope="col" className="py-2 pr-4 text-right">
              Supprimées
            </th>
            <th scope="col" className="py-2 pr-4 text-right">
              Anonymisées
            </th>
            <th scope="col" className="py-2 text-right">
              Fichiers
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([table, c]) => (
            <tr key={table} className="border-b border-slate-200" data-table={table}>
              <th scope="row" className="py-2 pr-4 font-medium text-slate-900">
                {tableLabelFr(table)}
              </th>
              <td className="py-2 pr-4 text-right tabular-nums">{c.deleted}</td>
              <td className="py-2 pr-4 text-right tabular-nums">{c.anonymised}</td>
              <td className="py-2 text-right tabular-nums">{c.files}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr className="font-semibold text-slate-900">
            <th scope="row" className="py-2 pr-4">
              Total
            </th>
            <td className="py-2 pr-4 text-right tabular-nums">{total.deleted}</td>
            <td className="py-2 pr-4 text-right tabular-nums">{total.anonymised}</td>
            <td className="py-2 text-right tabular-nums">{total.files}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
