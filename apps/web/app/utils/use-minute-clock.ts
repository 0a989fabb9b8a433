// A clock rounded to the minute for live pages: starts at the loader's value (so the server and
// the first client render agree), then follows the browser's clock every 30 seconds.
import { useEffect, useState } from "react";
import { roundToMinute } from "~/utils/jobs-console";

export function useMinuteClock(initial: number): number {
  const [now, setNow] = useState(initial);
  useEffect(() => {
    const tick = () => setNow(roundToMinute(Date.now()));
    tick();
    const timer = setInterval(tick, 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
