using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

namespace X0tta6bl4.Ops.Metrics.Store;

public static class StoreServiceCollectionExtensions
{
    /// <summary>Registers the configured <see cref="IMetricStore"/> (section "Store"), validated at start.</summary>
    /// <param name="contentRoot">The folder a relative store path is under.</param>
    public static IServiceCollection AddMetricStore(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddSingleton<IMetricStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StoreOptions>>().Value;
            if (options.IsPostgres)
            {
                try
                {
                    return Postgres.PostgresMetricStore.OpenAsync(options.Postgres.Connection).GetAwaiter().GetResult();
                }
                catch (Npgsql.NpgsqlException e)
                {
                    throw new InvalidOperationException($"Cannot open the metric store in PostgreSQL (Store:Postgres:Connection): {e.Message}", e);
                }
            }

            var path = SqlitePath(options, contentRoot);
            try
            {
                return SqliteMetricStore.OpenAsync(path).GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException or InvalidOperationException)
            {
                throw new InvalidOperationException($"Cannot open the metric store at '{path}' (Store:Sqlite:Path): {e.Message}", e);
            }
        });
        services.TryAddSingleton(sp => Alerts.SqlAlertStore.OpenAsync(Database(sp, contentRoot)).GetAwaiter().GetResult());
        services.TryAddSingleton(sp => Settings.SqlSettingsStore.OpenAsync(Database(sp, contentRoot)).GetAwaiter().GetResult());
        return services;
    }

    /// <summary>The store's database for the tables beside the samples (alerts, settings).</summary>
    private static SqlDatabase Database(IServiceProvider services, string contentRoot)
    {
        var options = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        return options.IsPostgres ? SqlDatabase.Postgres(options.Postgres.Connection) : SqlDatabase.Sqlite(SqlitePath(options, contentRoot));
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
