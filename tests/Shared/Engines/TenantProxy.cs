using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace X0tta6bl4.Ops.Tests.Engines;

/// <summary>One request as the proxy saw it: what the collector sent, headers included.</summary>
public sealed record ProxiedRequest(string Method, string Path, int UrlLength, string? Tenant, string? Authorization)
{
    /// <summary>The query's parameters, from the URL (GET) and the form body (POST).</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The shape Mimir (or a gateway in front of Thanos or a VictoriaMetrics cluster) gives the query API: everything
/// under <see cref="Prefix"/>, a tenant in X-Scope-OrgID and a bearer token required (401 otherwise, as Mimir's
/// "no org id"), forwarded with the prefix stripped. It can add warnings or VictoriaMetrics' isPartial to the
/// upstream's answers, as an engine does when some of its stores did not answer.
/// </summary>
public sealed class TenantProxy : IAsyncDisposable
{
    public const string Prefix = "/prometheus";

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly string _tenant;
    private readonly string _token;

    private TenantProxy(WebApplication app, Uri upstream, string tenant, string token)
    {
        _app = app;
        _upstream = new HttpClient { BaseAddress = upstream, Timeout = TimeSpan.FromSeconds(30) };
        _tenant = tenant;
        _token = token;
    }

    /// <summary>The API's base, without a trailing slash: http://127.0.0.1:PORT/prometheus.</summary>
    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ProxiedRequest> Requests { get; } = new();

    /// <summary>Added to every successful JSON answer's <c>warnings</c> (Prometheus, Thanos, Mimir).</summary>
    public IReadOnlyList<string> InjectWarnings { get; set; } = [];

    /// <summary>Sets <c>isPartial: true</c> on every successful JSON answer (a VictoriaMetrics cluster missing a vmstorage).</summary>
    public bool InjectPartial { get; set; }

    public static async Task<TenantProxy> StartAsync(Uri upstream, string tenant, string token)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new TenantProxy(app, upstream, tenant, token);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        proxy.Url = new Uri(address + Prefix);
        return proxy;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        var request = context.Request;
        var tenant = request.Headers["X-Scope-OrgID"].FirstOrDefault();
        var authorization = request.Headers.Authorization.FirstOrDefault();
        var url = request.Path + request.QueryString;
        byte[]? sent = null;
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer);
            sent = buffer.ToArray();
        }

        var parameters = QueryHelpers.ParseQuery(request.QueryString.Value).ToDictionary(p => p.Key, p => p.Value.ToString());
        if (sent is not null && request.HasFormContentType)
        {
            foreach (var (name, value) in QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(sent)))
            {
                parameters[name] = value.ToString();
            }
        }

        Requests.Enqueue(new ProxiedRequest(request.Method, request.Path, $"{request.Scheme}://{request.Host}{url}".Length, tenant, authorization) { Parameters = parameters });
        if (!request.Path.StartsWithSegments(Prefix, out var rest))
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("404 page not found\n");
            return;
        }

        if (tenant != _tenant || authorization != "Bearer " + _token)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync(tenant is null ? "no org id\n" : "unauthorized\n");
            return;
        }

        using var forward = new HttpRequestMessage(new HttpMethod(request.Method), rest.Value!.TrimStart('/') + request.QueryString);
        if (sent is not null)
        {
            forward.Content = new ByteArrayContent(sent);
            forward.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
        }

        using var answer = await _upstream.SendAsync(forward);
        var body = await answer.Content.ReadAsStringAsync();
        context.Response.StatusCode = (int)answer.StatusCode;
        context.Response.ContentType = answer.Content.Headers.ContentType?.ToString() ?? "application/json";
        await context.Response.WriteAsync(Annotate(body));
    }

    private string Annotate(string body)
    {
        if ((InjectWarnings.Count == 0 && !InjectPartial) || JsonNode.Parse(body) is not JsonObject root || root["status"]?.GetValue<string>() != "success")
        {
            return body;
        }

        if (InjectWarnings.Count > 0)
        {
            root["warnings"] = new JsonArray(InjectWarnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());
        }

        if (InjectPartial)
        {
            root["isPartial"] = true;
        }

        return root.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        _upstream.Dispose();
        await _app.DisposeAsync();
    }
}
