using System.Reflection;
using System.Text.RegularExpressions;
using X0tta6bl4.Ops.Metrics.Catalog;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Metrics.Tests;

/// <summary>Pages and the report read only catalog series, so each one must be explained in docs/catalog.md.</summary>
public class CatalogDocumentationTests
{
    public static TheoryData<string> SeriesNames()
    {
        var names = new TheoryData<string>();
        foreach (var type in new[] { typeof(CanonicalSeries), typeof(DerivedSeries), typeof(PostgresSeries), typeof(RedisSeries), typeof(HistogramSeries) })
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
            {
                // Inputs the collector reads (an exporter's histogram name) are not series of ours.
                if (!field.Name.EndsWith("Histogram", StringComparison.Ordinal))
                {
                    names.Add((string)field.GetRawConstantValue()!);
                }
            }
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(SeriesNames))]
    public void Series_IsDocumentedInTheCatalog(string name)
    {
        var catalog = File.ReadAllText(Path.Combine(StackEnvironment.RepositoryRoot, "docs", "catalog.md"));

        Assert.Matches(new Regex("`" + Regex.Escape(name) + "[`{]"), catalog);
    }
}
