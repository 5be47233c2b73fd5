namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>
/// The report's sections in the seed report's order; a section's number is its place here, so adding or moving one
/// renumbers the rest by itself (the numbers were typed in nine files).
/// </summary>
public static class ReportOutline
{
    private static readonly string[] Sections =
    [
        "api", "database", "redis", "resources", "monitoring", "sla", "bottlenecks", "reliability", "capacity", "recommendations", "conclusion",
    ];

    /// <summary>1 for the first; a section not in the outline (a test's) comes after all of them.</summary>
    public static int NumberOf(string id) => Array.IndexOf(Sections, id) is var i and >= 0 ? i + 1 : Sections.Length + 1;
}
