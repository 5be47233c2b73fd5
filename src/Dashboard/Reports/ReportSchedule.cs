using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Reports.Exports;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// With Reports:Schedule set, saves a report of the last day ("daily") or week ("weekly") once per period. Several
/// dashboards share the store: one lease in the collector's lease table decides which one saves, and the newest
/// scheduled report in the store (not this process's memory) says whether the period's report exists.
/// </summary>
public sealed class ReportSchedule(IOptions<ReportOptions> options, ReportBuilder builder, SqlReportStore saved, SqlCollectorStateStore leases,
    TimeProvider time, ILogger<ReportSchedule> logger) : BackgroundService
{
    public const string SavedBy = "schedule";
    private const string Lease = "job/report-schedule";
    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Schedule is not ("daily" or "weekly"))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(5), time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("The scheduled report was not saved: {Reason}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Saves the period's report when it is due and this process holds the lease; returns the saved id.</summary>
    public async Task<long?> RunOnceAsync(CancellationToken ct)
    {
        var period = options.Value.Schedule == "weekly" ? TimeSpan.FromDays(7) : TimeSpan.FromDays(1);
        var now = time.GetUtcNow();
        if (await saved.NewestSavedByAsync(SavedBy, ct) is { } last && now - DateTimeOffset.FromUnixTimeMilliseconds(last) < period)
        {
            return null;
        }

        if (!await leases.TryLeaseAsync(Lease, _holder, now, now.AddMinutes(10), ct))
        {
            return null;
        }

        var request = ReportRequest.Default with { WindowKey = options.Value.Schedule == "weekly" ? "7d" : "24h" };
        var model = await builder.BuildAsync(request, ct);
        var id = await saved.SaveAsync($"{options.Value.Schedule} report {model.Window.Label}", model.Window.FromMs, model.Window.ToMs, request.ToQuery(), SavedBy,
            now.ToUnixTimeMilliseconds(), ReportJson.Render(model), ct);
        logger.LogInformation("Saved the {Schedule} report {Id}", options.Value.Schedule, id);
        return id;
    }
}
