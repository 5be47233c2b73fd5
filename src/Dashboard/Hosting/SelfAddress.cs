using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using X0tta6bl4.Ops.Collector.Sources;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

/// <summary>Reads this process's listening address from Kestrel, so the collector can scrape our own /metrics.</summary>
public sealed class SelfAddress(IServer server) : ISelfAddress
{
    public Uri? BaseAddress
    {
        get
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            var first = addresses?.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? addresses?.FirstOrDefault();
            if (first is null)
            {
                return null;
            }

            // A wildcard binding ("http://[::]:80", "http://+:80") is reachable on loopback.
            var text = first.Replace("://+", "://127.0.0.1").Replace("://*", "://127.0.0.1")
                .Replace("://[::]", "://127.0.0.1").Replace("://0.0.0.0", "://127.0.0.1");
            return Uri.TryCreate(text.TrimEnd('/') + "/", UriKind.Absolute, out var uri) ? uri : null;
        }
    }
}
