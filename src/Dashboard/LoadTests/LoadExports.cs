using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Load.Reports;
using X0tta6bl4.Ops.Metrics.LoadRuns;

namespace X0tta6bl4.Ops.Dashboard.LoadTests;

/// <summary>A finished run as a file: JSON (the engine's own form), Markdown, or a self-contained HTML page.</summary>
public static class LoadExports
{
    public static IEndpointRouteBuilder MapLoadExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/load/{id:long}/run.{format}", async (long id, string format, SqlLoadRunStore runs, CancellationToken ct) =>
        {
            if (await runs.GetAsync(id, ct) is not { } record)
            {
                return Results.Problem($"There is no load run {id}.", statusCode: StatusCodes.Status404NotFound);
            }

            if (record.ResultJson is null)
            {
                return Results.Problem($"Load run {id} has no result yet ({record.Status.ToString().ToLowerInvariant()}).", statusCode: StatusCodes.Status409Conflict);
            }

            var run = JsonReport.Parse(record.ResultJson);
            var file = $"load-run-{id}";
            return format switch
            {
                "json" => Results.File(System.Text.Encoding.UTF8.GetBytes(JsonReport.Render(run)), "application/json", file + ".json"),
                "md" => Results.File(System.Text.Encoding.UTF8.GetBytes(MarkdownReport.Render(run)), "text/markdown; charset=utf-8", file + ".md"),
                "html" => Results.File(System.Text.Encoding.UTF8.GetBytes(HtmlReport.Render(run)), "text/html; charset=utf-8", file + ".html"),
                _ => Results.Problem($"'{format}' is not an export; use json, md or html.", statusCode: StatusCodes.Status400BadRequest),
            };
        }).RequireAuthorization(AuthServiceCollectionExtensions.ApiPolicy);
        return app;
    }
}
