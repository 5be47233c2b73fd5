using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Hosting;

/// <summary>Per-pod limits the Resources page compares against; section "Resources". Defaults: the seed's SLA targets.</summary>
public sealed class ResourceOptions
{
    public const string Section = "Resources";

    public double CpuLimitMillicores { get; set; } = 500;

    public double MemoryLimitBytes { get; set; } = 1L << 30;
}

public sealed class ResourceOptionsValidator : IValidateOptions<ResourceOptions>
{
    public ValidateOptionsResult Validate(string? name, ResourceOptions options)
    {
        var errors = new List<string>();
        if (!double.IsFinite(options.CpuLimitMillicores) || options.CpuLimitMillicores <= 0)
        {
            errors.Add($"Resources:CpuLimitMillicores must be a positive number (was {options.CpuLimitMillicores}).");
        }

        if (!double.IsFinite(options.MemoryLimitBytes) || options.MemoryLimitBytes <= 0)
        {
            errors.Add($"Resources:MemoryLimitBytes must be a positive number (was {options.MemoryLimitBytes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
