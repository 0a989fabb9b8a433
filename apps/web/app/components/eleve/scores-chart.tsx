// Per-domain scores as horizontal bars (Recharts), coloured by mastery level. Loaded lazily
// (React.lazy) so the chart library stays out of the route's first bundle; the table beside it
// carries the same numbers for screen readers, so the chart itself is hidden from them.
import type { DomainScore } from "@nexus/shared/results";
import { Bar, BarChart, Cell, LabelList, ResponsiveContainer, XAxis, YAxis } from "recharts";
import { masteryColors } from "./mastery";

export default function ScoresChart({ domains }: { domains: DomainScore[] }) {
  const height = Math.max(160, domains.length * 52 + 40);
  return (
    <div aria-hidden="true" style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart
          data={domains}
          layout="vertical"
          margin={{ top: 4, right: 48, bottom: 4, left: 4 }}
          // The chart is hidden from screen readers (the table has the numbers): Recharts'
          // keyboard layer would leave a focusable element inside aria-hidden (axe: serious).
          accessibilityLayer={false}
        >
          <XAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 25, 50, 75, 100]}
            unit=" %"
            fontSize={12}
          />
          <YAxis
            type="category"
            dataKey="label"
            width={130}
            fontSize={12}
            tickLine={false}
            interval={0}
          />
          <Bar dataKey="percent" radius={[0, 4, 4, 0]} isAnimationActive={false} barSize={24}>
            {domains.map((domain) => (
              <Cell key={domain.domainId} fill={masteryColors[domain.mastery]} />
            ))}
            <LabelList
              dataKey="percent"
              position="right"
              formatter={(v) => `${v} %`}
              fontSize={12}
            />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
