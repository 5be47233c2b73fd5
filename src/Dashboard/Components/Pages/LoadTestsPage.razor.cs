using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model.LoadTests;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.LoadRuns;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class LoadTestsPage
{
    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    private LoadRunsModel? _model;
    private readonly LoadPlanForm _form = new();
    private string? _planJson;
    private string? _startError;
    private bool _operator;
    private System.Security.Claims.ClaimsPrincipal _user = new();

    protected override TimeSpan? PollEvery => _model?.Runs.Any(r => r.Record.Status == LoadRunStatus.Running) == true ? TimeSpan.FromSeconds(2) : null;

    protected override async Task OnInitializedAsync()
    {
        _user = Auth is null ? new() : (await Auth).User;
        _operator = _user.IsInRole(Roles.Operator);
    }

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _model = await Query.ListAsync(cancellationToken);
        if (_planJson is null)
        {
            _form.BaseUrl = _model.DefaultBaseUrl;
            FillPlan();
        }
    }

    // The plan's thresholds default to the SLA targets in force, which the query read with the runs.
    private void FillPlan() => _planJson = PlanJson.Write(_form.ToPlan(_model!.P95TargetMs, _model.ErrorRateTarget));

    private async Task StartAsync()
    {
        var (plan, problem) = PlanJson.Read(_planJson);
        if (plan is null)
        {
            _startError = problem + " Nothing was started.";
            return;
        }

        var (result, id) = await Runs.StartAsync(_user, plan);
        _startError = result.Problem;
        if (id is { } runId)
        {
            Navigation.NavigateTo($"/load/{runId}");
        }
    }

    private static Color StatusColor(LoadRunStatus status) => status switch
    {
        LoadRunStatus.Running => Color.Info,
        LoadRunStatus.Completed => Color.Success,
        LoadRunStatus.Stopped => Color.Default,
        _ => Color.Error,
    };
}
