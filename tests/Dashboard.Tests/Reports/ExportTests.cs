using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Dashboard.Reports.Exports;

namespace X0tta6bl4.Ops.Dashboard.Tests.Reports;

/// <summary>The exports of one report over known data: every section in each, figures that survive a round trip, a real PDF.</summary>
public class ExportTests
{
    private static async Task<(ReportFixture Fixture, ReportModel Model)> BuildAsync()
    {
        var f = await ReportFixture.CreateAsync();
        await f.WriteTwoDaysAsync();
        return (f, await f.Builder().BuildAsync(ReportFixture.DayRequest(), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task MarkdownAndHtml_HoldEverySectionHeading_AndTheAppendix()
    {
        var (f, model) = await BuildAsync();
        await using var _ = f;

        var md = MarkdownExport.Render(model, f.Options);
        var html = HtmlExport.Render(model, f.Options);

        foreach (var section in model.Sections)
        {
            Assert.Contains($"\n## {section.Number}. {section.Title}\n", md);
            Assert.Contains($">{section.Number}. {System.Net.WebUtility.HtmlEncode(section.Title)}</h2>", html);
        }

        Assert.Contains("## Appendix: methodology", md);
        Assert.Contains("| Latency p95 | 400 ms | 95.0 ms |", md);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
    }

    [Fact]
    public async Task Markdown_EscapesCellsThatWouldBreakTheTable()
    {
        Assert.Equal(@"a \| b \*c\* \<x\>", MarkdownExport.Escape("a | b *c* <x>"));
        Assert.Equal("one two", MarkdownExport.Escape("one\ntwo"));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task JsonAndCsv_HoldEveryFigure_AndJsonRoundTrips()
    {
        var (f, model) = await BuildAsync();
        await using var _ = f;

        var parsed = ReportJson.Parse(ReportJson.Render(model));
        var figures = model.AllFigures.Select(x => x.Figure).ToList();
        Assert.Equal(figures.Select(x => (x.Id, x.Value, x.Compared, x.Verdict, x.Text)), parsed.AllFigures.Select(x => (x.Figure.Id, x.Figure.Value, x.Figure.Compared, x.Figure.Verdict, x.Figure.Text)));
        Assert.Equal(model.Conclusion.Grade, parsed.Conclusion.Grade);
        Assert.Equal(model.Findings, parsed.Findings);

        var csv = CsvExport.Render(model).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(figures.Count + 1, csv.Length);
        Assert.StartsWith("1,api.latency.p95,Latency p95,s,0.4,", csv.Single(l => l.StartsWith("1,api.latency.p95,", StringComparison.Ordinal)));
        // Missing stays empty, not 0.
        Assert.StartsWith("3,redis.hit_ratio.mean,Hit ratio (mean),ratio,,", csv.Single(l => l.StartsWith("3,redis.hit_ratio.mean,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Pdf_PrintedByChromium_IsAPdfWhoseTextHasTheHeadings()
    {
        var (f, model) = await BuildAsync();
        await using var _ = f;
        var printer = new PdfPrinter(Microsoft.Extensions.Options.Options.Create(new ReportOptions()), NullLogger<PdfPrinter>.Instance);
        Assert.NotNull(printer.ChromiumPath); // scripts/install-deps test installs chromium

        var result = await printer.PrintAsync(HtmlExport.Render(model, f.Options), TestContext.Current.CancellationToken);

        Assert.Null(result.Problem);
        Assert.Equal("%PDF", System.Text.Encoding.ASCII.GetString(result.Pdf!, 0, 4));
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, result.Pdf!, TestContext.Current.CancellationToken);
        var text = await RunAsync("pdftotext", path, "-");
        File.Delete(path);
        foreach (var section in model.Sections)
        {
            Assert.Contains($"{section.Number}. {section.Title}", text);
        }
    }

    [Fact]
    public async Task Pdf_WithoutChromium_SaysSoInsteadOfFailing()
    {
        var printer = new PdfPrinter(Microsoft.Extensions.Options.Options.Create(new ReportOptions { ChromiumPath = "/nonexistent/chromium" }), NullLogger<PdfPrinter>.Instance);

        var result = await printer.PrintAsync("<html></html>", TestContext.Current.CancellationToken);

        Assert.Null(result.Pdf);
        Assert.Contains("download the HTML", result.Problem);
    }

    private static async Task<string> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        return output;
    }
}
