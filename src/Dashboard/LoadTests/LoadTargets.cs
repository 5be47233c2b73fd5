using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Collector.Configuration;

namespace X0tta6bl4.Ops.Dashboard.LoadTests;

/// <summary>Where load may go: the configured allow-list, or else the hosts this dashboard already watches.</summary>
public sealed class LoadTargets(IOptions<LoadOptions> load, IOptions<SourcesOptions> sources)
{
    public IReadOnlyList<string> AllowedHosts => load.Value.AllowedHosts.Count > 0
        ? load.Value.AllowedHosts
        : sources.Value.Scrape.Targets.Select(t => Uri.TryCreate(t.Url, UriKind.Absolute, out var u) ? u.Host : null).OfType<string>().Distinct().ToList();

    public string DefaultBaseUrl =>
        load.Value.DefaultBaseUrl is { Length: > 0 } url ? url
        : sources.Value.Scrape.Targets.Select(t => Uri.TryCreate(t.Url, UriKind.Absolute, out var u) ? u.GetLeftPart(UriPartial.Authority) : null).OfType<string>().FirstOrDefault()
          ?? "http://127.0.0.1:58080";
}
