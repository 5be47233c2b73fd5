using System.Text.Json;
using X0tta6bl4.Ops.Dashboard.LoadTests;
using X0tta6bl4.Ops.Load;
using X0tta6bl4.Ops.Load.Analysis;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.LoadRuns;
using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Dashboard.Model.LoadTests;

/// <summary>A run in the list: its record and, once finished, its summary.</summary>
public sealed record LoadRunRow(LoadRunRecord Record, LoadRun? Summary, bool IsBaseline);

/// <param name="P95TargetMs">The SLA's p95 target in force, a new plan's default threshold.</param>
/// <param name="ErrorRateTarget">The SLA's error-rate target in force (a ratio), likewise.</param>
public sealed record LoadRunsModel(IReadOnlyList<LoadRunRow> Runs, long? BaselineId, IReadOnlyList<string> AllowedHosts, string DefaultBaseUrl,
    double P95TargetMs, double ErrorRateTarget);

/// <summary>One run: finished (its whole result) or running (its progress and the seconds so far).</summary>
public sealed record LoadRunView(
    LoadRunRecord Record,
    LoadPlan? Plan,
    LoadRun? Result,
    LoadProgress? Progress,
    IReadOnlyList<SecondSnapshot> Seconds,
    IReadOnlyList<ChartLine> Throughput,
    IReadOnlyList<ChartLine> Latency,
    bool IsBaseline)
{
    /// <summary>The run's window, for links to the dashboard's own pages during the load.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Window =>
        (DateTimeOffset.FromUnixTimeMilliseconds(Record.StartedMs), DateTimeOffset.FromUnixTimeMilliseconds(Record.EndedMs ?? Record.HeartbeatMs));
}

public sealed record LoadComparisonView(LoadRunRecord Baseline, LoadRunRecord Candidate, ComparisonReport Report, IReadOnlyList<ChartLine> P95, IReadOnlyList<ChartLine> Rate);

/// <summary>The load-test pages read runs from the store only: any dashboard shows any run, live or finished.</summary>
public sealed class LoadRunsQuery(SqlLoadRunStore runs, SqlSettingsStore settings, LoadTargets targets, SlaTargets sla)
{
    public const string BaselineKey = "load-baseline";

    public async Task<LoadRunsModel> ListAsync(CancellationToken ct = default)
    {
        var baseline = await BaselineIdAsync(ct);
        var rows = (await runs.ListAsync(100, ct)).Select(r => new LoadRunRow(r, Parse(r.SummaryJson), r.Id == baseline)).ToList();
        var inForce = (await sla.LoadAsync(ct)).Targets;
        return new LoadRunsModel(rows, baseline, targets.AllowedHosts, targets.DefaultBaseUrl, inForce.P95Ms, inForce.ErrorRatePercent / 100);
    }

    public async Task<LoadRunView?> GetAsync(long id, CancellationToken ct = default)
    {
        if (await runs.GetAsync(id, ct) is not { } record)
        {
            return null;
        }

        var result = Parse(record.ResultJson);
        var seconds = result?.Seconds ?? (await runs.SecondsAsync(id, ct)).Select(s => JsonSerializer.Deserialize<SecondSnapshot>(s.SnapshotJson, LoadJson.Options)!).ToList();
        var progress = record.ProgressJson is null ? null : JsonSerializer.Deserialize<LoadProgress>(record.ProgressJson, LoadJson.Options);
        var plan = result?.Plan ?? JsonSerializer.Deserialize<LoadPlan>(record.PlanJson, LoadJson.Options);
        var x = seconds.Select(s => s.StartedAt.UtcDateTime).ToList();
        IReadOnlyList<ChartLine> throughput =
        [
            new("2xx", x, seconds.Select(s => (double?)s.Requests.Status2xx).ToList()),
            new("3xx", x, seconds.Select(s => (double?)s.Requests.Status3xx).ToList()),
            new("4xx", x, seconds.Select(s => (double?)s.Requests.Status4xx).ToList()),
            new("5xx", x, seconds.Select(s => (double?)s.Requests.Status5xx).ToList()),
            new("no answer", x, seconds.Select(s => (double?)s.Requests.Error).ToList()),
        ];
        // A second with no answered request has no latency: a gap, not 0 ms.
        double? Ms(SecondSnapshot s, double ms) => s.Requests.Total - s.Requests.Error > 0 ? ms : null;
        IReadOnlyList<ChartLine> latency =
        [
            new("p50", x, seconds.Select(s => Ms(s, s.P50Ms)).ToList()),
            new("p95", x, seconds.Select(s => Ms(s, s.P95Ms)).ToList()),
            new("p99", x, seconds.Select(s => Ms(s, s.P99Ms)).ToList()),
        ];
        return new LoadRunView(record, plan, result, progress, seconds, throughput.Where(l => l.Y.Any(v => v > 0)).ToList(), latency, await BaselineIdAsync(ct) == id);
    }

    /// <summary>Two finished runs side by side; null when either is missing or has no result yet.</summary>
    public async Task<LoadComparisonView?> CompareAsync(long baselineId, long candidateId, CancellationToken ct = default)
    {
        var a = await runs.GetAsync(baselineId, ct);
        var b = await runs.GetAsync(candidateId, ct);
        if (a is null || b is null || Parse(a.ResultJson) is not { } baseline || Parse(b.ResultJson) is not { } candidate)
        {
            return null;
        }

        // Laid over each other by seconds since each run's start.
        ChartLine Line(string name, LoadRun run, Func<SecondSnapshot, double?> value)
        {
            var origin = DateTime.UnixEpoch;
            return new ChartLine(name, run.Seconds.Select(s => origin.AddSeconds(s.Second)).ToList(), run.Seconds.Select(value).ToList());
        }

        return new LoadComparisonView(a, b, RunComparison.Compare(baseline, candidate),
            [Line($"run {a.Id} p95", baseline, s => s.P95Ms), Line($"run {b.Id} p95", candidate, s => s.P95Ms)],
            [Line($"run {a.Id} req/s", baseline, s => s.Requests.Total), Line($"run {b.Id} req/s", candidate, s => s.Requests.Total)]);
    }

    public async Task<long?> BaselineIdAsync(CancellationToken ct) =>
        await settings.GetAsync(BaselineKey, ct) is { } stored && long.TryParse(stored.Value, out var id) ? id : null;

    private static LoadRun? Parse(string? json) => json is null ? null : JsonReport.Parse(json);
}
