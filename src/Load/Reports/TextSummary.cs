using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>The CLI's plain-text summary and progress lines.</summary>
public static class TextSummary
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(LoadRun run)
    {
        var s = run.Summary;
        var text = new StringBuilder();
        void Line(string line) => text.Append(line).Append('\n');
        Line($"plan        {run.Plan.Name} → {run.Plan.BaseUrl}");
        Line($"status      {Format.Status(run.Status)}{(run.StatusReason is null ? "" : " — " + run.StatusReason)}");
        Line($"duration    {s.DurationSeconds.ToString("0.0", Invariant)} s ({run.StartedAt:u} – {run.EndedAt:u})");
        Line($"requests    {s.TotalRequests} ({s.AchievedRate.ToString("0.0", Invariant)}/s), errors {s.Errors} ({s.ErrorRate.ToString("P3", Invariant)}), dropped {s.Dropped}");
        if (s.InterruptedNote is { } interrupted)
        {
            Line($"interrupted {interrupted}");
        }

        Line($"by status   2xx {s.ByStatus.Status2xx}  3xx {s.ByStatus.Status3xx}  4xx {s.ByStatus.Status4xx}  5xx {s.ByStatus.Status5xx}  error {s.ByStatus.Error}");
        Line($"latency     {Format.Percentiles(s.Latency)}   (from the intended start)");
        Line($"service     {Format.Percentiles(s.ServiceTime)}   (from the actual send)");
        Line(run.Plan.Scenarios.Any(sc => Plans.Executors.IsOpenModel(sc.Executor))
            ? $"gen. lag    p99 {Format.Ms(s.GeneratorLagP99Ms)}, max {Format.Ms(s.GeneratorLagMaxMs)}"
            : "gen. lag    n/a (closed model: a VU sends when its last answer is in, there is no schedule to lag)");
        if (s.GeneratorLimited)
        {
            Line($"WARNING     generator-limited: {s.GeneratorLimitedReason}");
        }

        foreach (var t in run.Thresholds)
        {
            Line($"threshold   {(t.Passed ? "PASS" : "FAIL")}  {t.Expression}{(t.Request is null ? "" : " on " + t.Request)}  measured {Format.Measured(t)}{(t.AbortedRun ? "  (aborted the run)" : "")}");
        }

        foreach (var r in run.Requests.Where(r => r.Summary.TotalRequests + r.Summary.Dropped > 0))
        {
            Line($"  {r.Name,-22} {r.Summary.TotalRequests,8} req  {r.Summary.Errors,6} err  {Format.Percentiles(r.Summary.Latency)}");
        }

        foreach (var c in run.CapacitySearches)
        {
            Line($"capacity    {c.Scenario}: {(c.HighestMetRate is { } rate ? rate.ToString("0.##", Invariant) + " req/s sustained" : "no step met the targets")} — {c.StopReason}");
            foreach (var step in c.Steps)
            {
                Line($"  step {step.Rate,8:0.##} req/s  achieved {step.AchievedRate,8:0.##}  p95 {Format.Ms(step.P95Ms)}  errors {step.ErrorRate.ToString("P2", Invariant)}  {(step.Met ? "met" : "broke")}");
            }
        }

        return text.ToString();
    }

    public static string ProgressLine(LoadProgress p) => string.Create(Invariant,
        $"[{p.ElapsedSeconds,6:0} / {p.PlannedSeconds:0} s] {p.Scenario}  rate {p.CurrentRate:0.#}/s  vus {p.Vus}  in flight {p.InFlight}  requests {p.Requests}  errors {p.Errors}  dropped {p.Dropped}  p95 {p.Second.P95Ms:0.##} ms");
}
