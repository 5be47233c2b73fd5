using Microsoft.Extensions.Options;
using X0tta6bl4.Ops.Api.Apis;
using X0tta6bl4.Ops.Api.Cache;
using X0tta6bl4.Ops.Api.Data;
using X0tta6bl4.Ops.Api.Health;
using X0tta6bl4.Ops.ServiceDefaults;

namespace X0tta6bl4.Ops.Api;

public static class ApiServiceCollectionExtensions
{
    public static WebApplicationBuilder AddMeshApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseUnavailableHandler>();
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section))
            .Validate(o => o.MaxPoolSize is >= 1 and <= 1000, "Database:MaxPoolSize must be between 1 and 1000.")
            .Validate(o => o.CommandTimeoutSeconds is >= 1 and <= 300, "Database:CommandTimeoutSeconds must be between 1 and 300.")
            .ValidateOnStart();
        services.AddOptions<CacheOptions>().Bind(configuration.GetSection(CacheOptions.Section))
            .Validate(o => o.TopologyTtlSeconds >= 1 && o.NodeHealthTtlSeconds >= 1, "Cache TTLs must be at least 1 second.")
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            // Read when first needed (at start, by the migrator), so test hosts can supply it late.
            var postgres = sp.GetRequiredService<IConfiguration>().GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(postgres))
            {
                throw new ConfigurationProblemException(
                    "ConnectionStrings:Postgres is not set (environment: ConnectionStrings__Postgres), e.g. Host=127.0.0.1;Port=55432;Username=postgres;Database=x0tta6bl4.");
            }

            return new Database(postgres, sp.GetRequiredService<IOptions<DatabaseOptions>>().Value);
        });
        services.AddSingleton(sp => new RedisCache(
            sp.GetRequiredService<IConfiguration>().GetConnectionString("Redis"), sp.GetRequiredService<IOptions<CacheOptions>>().Value, sp.GetRequiredService<ILogger<RedisCache>>()));
        services.AddSingleton<MeshRepository>();
        services.AddSingleton<SchemaMigrator>();
        services.AddHostedService(sp => sp.GetRequiredService<SchemaMigrator>());
        services.AddApiHealthChecks();
        return builder;
    }
}
