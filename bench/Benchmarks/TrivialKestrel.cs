using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Benchmarks;

/// <summary>The ceiling for HTTP benchmarks: Kestrel answering "ok" with nothing in between.</summary>
internal static class TrivialKestrel
{
    public static async Task<int> RunAsync(string? port)
    {
        if (!int.TryParse(port, out var p))
        {
            Console.Error.WriteLine("usage: kestrel PORT");
            return 2;
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{p}");
        var app = builder.Build();
        app.MapGet("/", () => "ok");
        await app.RunAsync();
        return 0;
    }
}
