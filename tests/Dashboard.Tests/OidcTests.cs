using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// Single sign-on wiring: with Auth:Oidc set, the sign-in page offers it and /auth/oidc sends the browser to
/// the provider's authorization endpoint (read from the provider's discovery document, served here on loopback).
/// </summary>
public sealed class OidcTests : IAsyncLifetime
{
    private WebApplication _provider = null!;
    private string _authority = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        _provider.MapGet("/.well-known/openid-configuration", (HttpContext context) =>
        {
            var issuer = $"http://{context.Request.Host}";
            return Results.Json(new
            {
                issuer,
                authorization_endpoint = issuer + "/authorize",
                token_endpoint = issuer + "/token",
                jwks_uri = issuer + "/jwks",
                response_types_supported = new[] { "code" },
                subject_types_supported = new[] { "public" },
                id_token_signing_alg_values_supported = new[] { "RS256" },
            });
        });
        _provider.MapGet("/jwks", () => Results.Json(new { keys = Array.Empty<object>() }));
        await _provider.StartAsync();
        _authority = _provider.Urls.First();
    }

    public async ValueTask DisposeAsync() => await _provider.DisposeAsync();

    [Fact]
    public async Task Configured_LoginOffersIt_AndTheChallengeGoesToTheProvider()
    {
        var ct = TestContext.Current.CancellationToken;
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(Path.GetTempPath(), $"x0-oidc-{Guid.NewGuid():N}.db"));
            b.UseSetting("Collector:Enabled", "false");
            b.UseSetting("Auth:Oidc:Authority", _authority);
            b.UseSetting("Auth:Oidc:ClientId", "x0tta6bl4-ops");
            b.UseSetting("Auth:Oidc:RequireHttpsMetadata", "false");
            b.UseSetting("Auth:Oidc:DisplayName", "Corp SSO");
        });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var login = await client.GetStringAsync("/login?returnUrl=%2Fcache", ct);
        var challenge = await client.GetAsync("/auth/oidc?returnUrl=%2Fcache", ct);

        Assert.Contains("Sign in with Corp SSO", login);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var location = challenge.Headers.Location!.ToString();
        Assert.StartsWith(_authority + "/authorize?", location);
        Assert.Contains("client_id=x0tta6bl4-ops", location);
        Assert.Contains("response_type=code", location);
        Assert.Contains("code_challenge=", location);
    }

    [Fact]
    public async Task NotConfigured_ThereIsNoSingleSignOn()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Store:Sqlite:Path", Path.Combine(Path.GetTempPath(), $"x0-oidc-{Guid.NewGuid():N}.db"));
            b.UseSetting("Collector:Enabled", "false");
        });
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/auth/oidc", TestContext.Current.CancellationToken)).StatusCode);
        Assert.DoesNotContain("Sign in with", await client.GetStringAsync("/login", TestContext.Current.CancellationToken));
    }
}
