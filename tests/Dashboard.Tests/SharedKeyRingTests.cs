using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Hosting;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>Two dashboards on one store (two replicas behind a Service) share their data-protection keys through it.</summary>
public sealed class SharedKeyRingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("x0-keys-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A dashboard's data protection as AddDashboardAuth sets it up, over a store file, its tables opened.</summary>
    private async Task<ServiceProvider> DashboardAsync(string store = "metrics.db")
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton(SqlDatabase.Sqlite(Path.Combine(_dir, store)));
        services.AddStoreKeyRing();
        var provider = services.BuildServiceProvider();
        foreach (var schema in provider.GetServices<IStoreSchema>())
        {
            await schema.MigrateAsync(Xunit.TestContext.Current.CancellationToken);
        }

        return provider;
    }

    [Fact]
    public async Task Protect_OnOneDashboard_IsReadByAnotherOnTheSameStore_AndAfterARestart()
    {
        await using var first = await DashboardAsync();
        var cookie = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("signed in as ana");
        await using var second = await DashboardAsync();

        Assert.Equal("signed in as ana", second.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(cookie));
        var keys = new StoreKeyRepository(SqlDatabase.Sqlite(Path.Combine(_dir, "metrics.db"))).GetAllElements();
        Assert.Single(keys);
    }

    [Fact]
    public async Task Protect_OnADashboardOfAnotherStore_IsRefused()
    {
        await using var first = await DashboardAsync();
        var cookie = first.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect("signed in as ana");
        await using var stranger = await DashboardAsync("other.db");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            stranger.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Unprotect(cookie));
    }
}
