using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class CapacityPage
{
    [SupplyParameterFromQuery(Name = "job")] public string? Job { get; set; }
    [SupplyParameterFromQuery(Name = "perPod")] public double? PerPod { get; set; }
    [SupplyParameterFromQuery(Name = "growth")] public double? Growth { get; set; }
    [SupplyParameterFromQuery(Name = "pool")] public int? Pool { get; set; }
    [SupplyParameterFromQuery(Name = "headroom")] public double? Headroom { get; set; }
    [SupplyParameterFromQuery(Name = "maxPods")] public int? MaxPodsParameter { get; set; }
    [SupplyParameterFromQuery(Name = "disk")] public double? Disk { get; set; }
    [SupplyParameterFromQuery(Name = "horizon")] public int? HorizonParameter { get; set; }

    private CapacityModel? _model;
    private string? _error;
    private string? _inputError;

    // The fields show the link's settings, the defaults where it has none (CapacitySettings.Defaults).
    private CapacitySettings Linked => CapacitySettings.FromLink(PerPod, Growth, Pool, Headroom, MaxPodsParameter, Disk, HorizonParameter);
    private double GrowthPercent => Linked.CustomGrowthPercent;
    private double HeadroomPercent => Linked.HeadroomPercent;
    private int MaxPods => Linked.MaxPods;
    private double DiskGiB => Linked.DiskGiB;
    private int Horizon => Linked.HorizonMonths;

    private string CsvLink => "capacity.csv" + new Uri(Navigation.Uri).Query;

    protected override async Task OnParametersSetAsync()
    {
        var settings = Linked;
        var problems = settings.Problems();
        if (problems.Count > 0)
        {
            _inputError = "The link's settings are not usable: " + string.Join(" ", problems);
            settings = new CapacitySettings();
        }

        try
        {
            _model = await Query.LoadAsync(Job, settings);
            _error = null;
        }
        catch (Exception e)
        {
            _error = e.Message;
        }
    }

    /// <summary>A valid value goes into the URL (and so into the projections); an invalid one is explained and changes nothing.</summary>
    private void Set(string name, object? value, bool valid)
    {
        if (!valid)
        {
            _inputError = $"'{value}' is not a usable {name}: nothing was changed.";
            return;
        }

        _inputError = null;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(name, value switch
        {
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        }));
    }
}
