using System.Text;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Dashboard.Reports.Exports;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// The report as files: <c>/report.{md,html,pdf,json,csv}</c> with the page's query string (the same link gives
/// the same report) and <c>/report/saved/{id}.{format}</c> for a kept one.
/// </summary>
public static class ReportExports
{
    public static readonly IReadOnlyList<string> Formats = ["md", "html", "pdf", "json", "csv"];

    public static IEndpointRouteBuilder MapReportExports(this IEndpointRouteBuilder app)
    {
        app.MapGet("/report.{format}", async (string format, HttpRequest request, ReportBuilder builder, PdfPrinter pdf, IOptions<ReportOptions> options, CancellationToken ct) =>
        {
            if (!Formats.Contains(format))
            {
                return NotAFormat(format);
            }

            var q = request.Query;
            var report = ReportRequest.Parse(q["job"], q["window"], q["from"], q["to"], q["compare"], q["run"], out var problems);
            if (problems.Count > 0)
            {
                return Results.Problem(string.Join(" ", problems), statusCode: StatusCodes.Status400BadRequest, title: "The report's link has a bad value.");
            }

            var model = await builder.BuildAsync(report, ct);
            return await RenderAsync(model, format, $"report-{model.Window.From.UtcDateTime:yyyyMMdd-HHmm}", pdf, options.Value, ct);
        }).RequireAuthorization(AuthServiceCollectionExtensions.ApiPolicy);

        app.MapGet("/report/saved/{id:long}.{format}", async (long id, string format, SqlReportStore saved, PdfPrinter pdf, IOptions<ReportOptions> options, CancellationToken ct) =>
        {
            if (!Formats.Contains(format))
            {
                return NotAFormat(format);
            }

            if (await saved.GetAsync(id, ct) is not { ModelJson: { } json })
            {
                return Results.Problem($"There is no saved report {id}.", statusCode: StatusCodes.Status404NotFound);
            }

            return await RenderAsync(ReportJson.Parse(json), format, $"report-saved-{id}", pdf, options.Value, ct);
        }).RequireAuthorization(AuthServiceCollectionExtensions.ApiPolicy);
        return app;
    }

    public static async Task<IResult> RenderAsync(ReportModel model, string format, string file, PdfPrinter pdf, ReportOptions options, CancellationToken ct)
    {
        switch (format)
        {
            case "md":
                return Results.File(Encoding.UTF8.GetBytes(MarkdownExport.Render(model, options)), "text/markdown; charset=utf-8", file + ".md");
            case "html":
                return Results.File(Encoding.UTF8.GetBytes(HtmlExport.Render(model, options)), "text/html; charset=utf-8", file + ".html");
            case "json":
                return Results.File(Encoding.UTF8.GetBytes(ReportJson.Render(model)), "application/json", file + ".json");
            case "csv":
                return Results.File(Encoding.UTF8.GetBytes(CsvExport.Render(model)), "text/csv; charset=utf-8", file + ".csv");
            default:
                var printed = await pdf.PrintAsync(HtmlExport.Render(model, options), ct);
                return printed.Pdf is { } bytes
                    ? Results.File(bytes, "application/pdf", file + ".pdf")
                    : Results.Problem(printed.Problem, statusCode: StatusCodes.Status503ServiceUnavailable, title: "PDF is not available here.");
        }
    }

    private static IResult NotAFormat(string format) =>
        Results.Problem($"'{format}' is not an export; use {string.Join(", ", Formats)}.", statusCode: StatusCodes.Status400BadRequest);
}
