using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Reports.Exports;

/// <summary>What printing came to: the PDF, or why there is none.</summary>
public sealed record PdfResult(byte[]? Pdf, string? Problem);

/// <summary>
/// Prints the HTML export with headless Chromium (<c>--print-to-pdf</c>) in a temporary folder of its own. Where
/// no Chromium is installed it says so, and the page offers the HTML instead.
/// </summary>
public sealed class PdfPrinter(IOptions<ReportOptions> options, ILogger<PdfPrinter> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public string? ChromiumPath => Find(options.Value.ChromiumPath);

    public async Task<PdfResult> PrintAsync(string html, CancellationToken ct)
    {
        if (ChromiumPath is not { } chromium)
        {
            return new PdfResult(null, "No Chromium is installed here (set Reports:ChromiumPath, or install chromium): download the HTML and print it from a browser.");
        }

        var folder = Directory.CreateTempSubdirectory("x0-report-");
        try
        {
            var input = Path.Combine(folder.FullName, "report.html");
            var output = Path.Combine(folder.FullName, "report.pdf");
            await File.WriteAllTextAsync(input, html, ct);
            var start = new ProcessStartInfo(chromium)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
                $"--user-data-dir={Path.Combine(folder.FullName, "profile")}", $"--print-to-pdf={output}", new Uri(input).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start.");
            var stderr = process.StandardError.ReadToEndAsync(ct);
            _ = process.StandardOutput.ReadToEndAsync(ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(Timeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (ct.IsCancellationRequested)
                {
                    throw;
                }

                return new PdfResult(null, $"Chromium did not finish printing within {Timeout.TotalSeconds:0} s: download the HTML instead.");
            }

            if (process.ExitCode != 0 || !File.Exists(output))
            {
                logger.LogWarning("Chromium exited with {Code} while printing a report: {Error}", process.ExitCode, (await stderr).Trim());
                return new PdfResult(null, $"Chromium could not print the report (exit code {process.ExitCode}): download the HTML instead.");
            }

            return new PdfResult(await File.ReadAllBytesAsync(output, ct), null);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logger.LogWarning(e, "Chromium at {Path} could not be started", chromium);
            return new PdfResult(null, "Chromium could not be started: download the HTML instead.");
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium may still hold a file for a moment; the temp folder is cleaned by the system.
            }
        }
    }

    private static string? Find(string configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var name in new[] { "chromium", "chromium-browser", "google-chrome" })
        {
            foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
