using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using X0tta6bl4.Ops.Collector;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// docs/configuration.md lists every key the dashboard and the standalone collector read, and nothing else: the keys
/// come from the options classes the hosts' own registrations bind (tests/Shared/ConfigurationKeys), walked by
/// reflection, so a new option without a row fails here, as does a row whose option is gone or renamed.
/// </summary>
public class ConfigurationDocumentationTests
{
    private const string Shared = "Dashboard and standalone collector";

    private const string DashboardOnly = "Dashboard only";

    /// <summary>
    /// The one key the dashboard reads outside its options classes: ASP.NET Core's own address setting, whose
    /// environment variable carries the framework's prefix. (RemoteWrite:Enabled, Collector:Enabled and
    /// Alerts:Enabled are also read straight from configuration, but each is an options property as well.)
    /// </summary>
    private static readonly Dictionary<string, string> NotInOptions = new() { ["Urls"] = "ASPNETCORE_URLS" };

    [Fact]
    public void Dashboard_EveryKeyHasOneRow_AndEveryRowIsAKey()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddDashboard();
        var markdown = File.ReadAllText(ConfigurationKeys.DocumentPath);

        ConfigurationKeys.AssertDocumented(
            ConfigurationKeys.Bound(builder.Services).Concat(NotInOptions.Keys),
            [.. ConfigurationKeys.Documented(markdown, Shared), .. ConfigurationKeys.Documented(markdown, DashboardOnly)],
            NotInOptions);
    }

    [Fact]
    public void StandaloneCollector_ReadsExactlyTheSharedKeys()
    {
        // As src/Collector/Program.cs builds it.
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddMetricStore(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddCollector(builder.Configuration);

        ConfigurationKeys.AssertDocumented(
            ConfigurationKeys.Bound(builder.Services),
            ConfigurationKeys.Documented(File.ReadAllText(ConfigurationKeys.DocumentPath), Shared),
            new Dictionary<string, string>());
    }
}
