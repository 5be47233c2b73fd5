using System.Globalization;
using System.Text;
using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>The capacity projections as CSV, for the same settings the page has in its URL.</summary>
public static class CapacityCsv
{
    public static IEndpointRouteBuilder MapCapacityCsv(this IEndpointRouteBuilder app)
    {
        app.MapGet("/capacity.csv", async (HttpRequest request, CapacityQuery query, CancellationToken ct) =>
        {
            double? D(string name) => double.TryParse(request.Query[name], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
            int? I(string name) => int.TryParse(request.Query[name], NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
            var settings = CapacitySettings.FromLink(D("perPod"), D("growth"), I("pool"), D("headroom"), I("maxPods"), D("disk"), I("horizon"));
            var problems = settings.Problems();
            if (problems.Count > 0)
            {
                return Results.BadRequest(string.Join(" ", problems));
            }

            var model = await query.LoadAsync(request.Query["job"], settings, ct);
            // An input no source measured is an empty cell, never a 0.
            string Measured(string column, double value) => model.NotMeasured.Contains(column) ? "" : F(value);
            var csv = new StringBuilder("scenario,quarterly_growth,month,requests_per_second,pods,cpu_millicores,memory_bytes,db_connections,redis_bytes,storage_bytes\n");
            foreach (var scenario in model.Scenarios)
            {
                foreach (var row in scenario.Rows)
                {
                    csv.AppendLine(string.Join(',',
                        scenario.Name, F(scenario.QuarterlyGrowth ?? double.NaN), F(row.Month), F(row.RequestsPerSecond), row.Pods,
                        F(row.CpuMillicores), F(row.MemoryBytes), row.DbConnections,
                        Measured("redis", row.RedisBytes), row.StorageBytes is { } storage ? F(storage) : ""));
                }
            }

            return Results.Text(csv.ToString(), "text/csv; charset=utf-8");
        }).RequireAuthorization(X0tta6bl4.Ops.Dashboard.Hosting.AuthServiceCollectionExtensions.ApiPolicy);
        return app;
    }

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
