using Microsoft.AspNetCore.Builder;
using X0tta6bl4.Ops.Tests;

namespace X0tta6bl4.Ops.Api.Tests;

/// <summary>
/// docs/configuration.md's Api part lists every key the Api reads, and nothing else (see tests/Shared/ConfigurationKeys;
/// the dashboard's and the collector's parts are held by tests/Dashboard.Tests/ConfigurationDocumentationTests).
/// </summary>
public class ConfigurationDocumentationTests
{
    /// <summary>
    /// Keys the Api reads outside its options classes: ASP.NET Core's address setting (its variable carries the
    /// framework's prefix) and the two connection strings, read with GetConnectionString.
    /// </summary>
    private static readonly Dictionary<string, string> NotInOptions = new()
    {
        ["Urls"] = "ASPNETCORE_URLS",
        ["ConnectionStrings:Postgres"] = "ConnectionStrings__Postgres",
        ["ConnectionStrings:Redis"] = "ConnectionStrings__Redis",
    };

    [Fact]
    public void Api_EveryKeyHasOneRow_AndEveryRowIsAKey()
    {
        var builder = WebApplication.CreateBuilder();
        builder.AddMeshApi();

        ConfigurationKeys.AssertDocumented(
            ConfigurationKeys.Bound(builder.Services).Concat(NotInOptions.Keys),
            ConfigurationKeys.Documented(File.ReadAllText(ConfigurationKeys.DocumentPath), "Api"),
            NotInOptions);
    }
}
