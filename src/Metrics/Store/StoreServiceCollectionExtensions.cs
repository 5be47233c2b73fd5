using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Metrics.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// Registers the configured <see cref="IMetricStore"/> (section "Store", validated at start) and the tables
    /// beside it — alerts, settings, collector state, load runs — in the same database; <see cref="StoreStartup"/> opens
    /// them all at start. Nothing here touches the database.
    /// </summary>
    /// <param name="contentRoot">The folder a relative store path is under.</param>
    public static IServiceCollection AddMetricStore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton<IMetricStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            return options.IsPostgres ? Postgres.PostgresMetricStore.Create(options.Postgres.Connection) : SqliteMetricStore.Create(SqlitePath(options, contentRoot));
        });
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            return options.IsPostgres ? SqlDatabase.Postgres(options.Postgres.Connection) : SqlDatabase.Sqlite(SqlitePath(options, contentRoot));
        });
        services.TryAddSingleton<Alerts.SqlAlertStore>();
        services.TryAddSingleton<Alerts.SqlAlertDeliveryStore>();
        services.TryAddSingleton<Settings.SqlSettingsStore>();
        services.TryAddSingleton<Collection.SqlCollectorStateStore>();
        services.TryAddSingleton<LoadRuns.SqlLoadRunStore>();
        services.TryAddSingleton<Reports.SqlReportStore>();
        services.TryAddSingleton<StoreHealthCheck>();

        // The metric store first: the other tables live in its database, which it creates.
        services.AddSingleton<IStoreSchema>(sp => (IStoreSchema)sp.GetRequiredService<IMetricStore>());
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<Alerts.SqlAlertStore>());
        // After the alert store: its deliveries refer to alerts.
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<Alerts.SqlAlertDeliveryStore>());
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<Settings.SqlSettingsStore>());
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<Collection.SqlCollectorStateStore>());
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<LoadRuns.SqlLoadRunStore>());
        services.AddSingleton<IStoreSchema>(sp => sp.GetRequiredService<Reports.SqlReportStore>());
        services.AddHostedService<StoreStartup>();
        return services;
    }

    private static string SqlitePath(StoreOptions options, string contentRoot) =>
        Path.IsPathRooted(options.Sqlite.Path) ? options.Sqlite.Path : Path.Combine(contentRoot, options.Sqlite.Path);
}

public sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var errors = new List<string>();
        var postgres = options.IsPostgres;
        if (!postgres && !string.Equals(options.Provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"Store:Provider '{options.Provider}' is not supported; use 'Sqlite' or 'Postgres'.");
        }

        if (!postgres && string.IsNullOrWhiteSpace(options.Sqlite.Path))
        {
            errors.Add("Store:Sqlite:Path is empty.");
        }

        if (postgres)
        {
            try
            {
                if (string.IsNullOrWhiteSpace(new Npgsql.NpgsqlConnectionStringBuilder(options.Postgres.Connection).Host))
                {
                    errors.Add("Store:Postgres:Connection needs a Host.");
                }
            }
            catch (ArgumentException e)
            {
                errors.Add($"Store:Postgres:Connection is not a valid connection string: {e.Message}");
            }
        }

        foreach (var (key, days) in new[] { ("RawRetentionDays", options.RawRetentionDays), ("MinuteRetentionDays", options.MinuteRetentionDays), ("HourRetentionDays", options.HourRetentionDays) })
        {
            if (days is < 1 or > 3650)
            {
                errors.Add($"Store:{key} must be between 1 and 3650 (was {days}).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
