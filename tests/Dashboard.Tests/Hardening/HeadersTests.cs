using System.Net;
using X0tta6bl4.Ops.Dashboard.Hosting;

namespace X0tta6bl4.Ops.Dashboard.Tests.Hardening;

/// <summary>Browser-side protection on every page and response; cookies Secure over HTTPS; HSTS only there.</summary>
public sealed class HeadersTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Pages = ["/", "/api", "/database", "/cache", "/resources", "/targets", "/alerts", "/sla", "/capacity", "/load", "/report", "/login"];

    private static void AssertProtected(HttpResponseMessage response, string what)
    {
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", SecurityHeaders.ContentSecurityPolicy);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(response.Headers.Contains("Referrer-Policy"), what);
    }

    [Fact]
    public async Task EveryPage_SignedIn_CarriesTheSecurityHeaders_AndSoDoErrorsAndTheApi()
    {
        await using var app = new HardenedApp();
        var client = app.Anonymous();
        Assert.Equal(HttpStatusCode.Redirect, (await HardenedApp.PostLoginAsync(client, HardenedApp.User, HardenedApp.Password, Ct)).StatusCode);

        foreach (var page in Pages)
        {
            var response = await client.GetAsync(page, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertProtected(response, page);
        }

        AssertProtected(await app.Anonymous().GetAsync("/api/v1/labels", Ct), "401");
        AssertProtected(await app.Basic().GetAsync("/api/v1/query", Ct), "400");
        AssertProtected(await app.Anonymous().GetAsync("/health", Ct), "health");
    }

    [Fact]
    public async Task OverHttps_CookiesAreSecure_AndHstsIsSent_OverHttpNeither()
    {
        await using var app = new HardenedApp();
        var https = app.Anonymous(new Uri("https://dashboard.test"));
        var http = app.Anonymous(new Uri("http://dashboard.test"));

        // The sign-in page sets the antiforgery cookie; signing in sets the session cookie.
        var securePage = await https.GetAsync("/login", Ct);
        var plainPage = await http.GetAsync("/login", Ct);
        var secure = await HardenedApp.PostLoginAsync(https, HardenedApp.User, HardenedApp.Password, Ct);
        var plain = await HardenedApp.PostLoginAsync(http, HardenedApp.User, HardenedApp.Password, Ct);

        var secureCookies = securePage.Headers.GetValues("Set-Cookie").Concat(secure.Headers.GetValues("Set-Cookie")).ToList();
        var plainCookies = plainPage.Headers.GetValues("Set-Cookie").Concat(plain.Headers.GetValues("Set-Cookie")).ToList();
        Assert.Contains(secureCookies, c => c.StartsWith("x0tta6bl4-ops=", StringComparison.Ordinal));
        Assert.Contains(secureCookies, c => c.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.All(secureCookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.Equal(secureCookies.Count, plainCookies.Count);
        Assert.All(plainCookies, c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("max-age=", securePage.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False(plainPage.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public void TheReadmesRunCommand_DoesNotRunInDevelopment_WhichIsAnOptInProfile()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "X0tta6bl4.Ops.sln")))
        {
            dir = dir.Parent;
        }

        var settings = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir!.FullName, "src/Dashboard/Properties/launchSettings.json")));
        var profiles = settings.RootElement.GetProperty("profiles").EnumerateObject().ToList();
        string? Environment(System.Text.Json.JsonElement profile) =>
            profile.TryGetProperty("environmentVariables", out var env) && env.TryGetProperty("ASPNETCORE_ENVIRONMENT", out var value) ? value.GetString() : null;

        // `dotnet run` takes the first profile.
        Assert.NotEqual("Development", Environment(profiles[0].Value));
        Assert.Equal("Development", Environment(profiles.Single(p => p.Name == "development").Value));
    }
}
