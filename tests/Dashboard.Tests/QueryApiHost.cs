using Microsoft.AspNetCore.Mvc.Testing;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>The dashboard on a SQLite store file of the test's, without its collector, and a viewer to read its query API as.</summary>
internal static class QueryApiHost
{
    public static WebApplicationFactory<Program> Start(string storePath) => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseSetting("Store:Sqlite:Path", storePath);
        b.UseSetting("Collector:Enabled", "false");
        b.UseSetting("Auth:Users:0:Name", "reader");
        b.UseSetting("Auth:Users:0:PasswordHash", X0tta6bl4.Ops.Dashboard.Auth.PasswordHasher.Hash("pw"));
        b.UseSetting("Auth:Users:0:Role", "viewer");
    });

    /// <summary>HTTP Basic as the viewer, as scripts and Grafana sign in.</summary>
    public static HttpClient Authorized(HttpClient client)
    {
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("reader:pw"u8.ToArray()));
        return client;
    }
}
