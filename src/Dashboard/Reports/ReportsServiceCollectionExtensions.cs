using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Reports;

public static class ReportsServiceCollectionExtensions
{
    /// <summary>The report builder, its exports, kept reports and the optional schedule, over the store only.</summary>
    public static IServiceCollection AddReports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ReportOptions>().Bind(configuration.GetSection(ReportOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ReportOptions>, ReportOptionsValidator>());
        services.TryAddSingleton<ReportBaseline>();
        services.TryAddSingleton<ReportBuilder>();
        services.TryAddSingleton<SavedReports>();
        services.TryAddSingleton<Exports.PdfPrinter>();
        services.TryAddSingleton<Model.Changes.ReportChanges>();
        services.TryAddSingleton<ReportSchedule>();
        services.AddHostedService(sp => sp.GetRequiredService<ReportSchedule>());
        return services;
    }
}
