using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model.LoadTests;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.LoadRuns;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class LoadRunPage
{
    [Parameter] public long RunId { get; set; }

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    private LoadRunView? _view;
    private long? _baselineId;
    private long? _compareWith;
    private bool _loaded;
    private bool _operator;
    private string? _actionError;
    private System.Security.Claims.ClaimsPrincipal _user = new();

    protected override TimeSpan? PollEvery => _view?.Record.Status == LoadRunStatus.Running ? TimeSpan.FromSeconds(1) : null;

    protected override async Task OnInitializedAsync()
    {
        _user = Auth is null ? new() : (await Auth).User;
        _operator = _user.IsInRole(Roles.Operator);
    }

    protected override async Task LoadAsync(CancellationToken cancellationToken)
    {
        _view = await Query.GetAsync(RunId, cancellationToken);
        _baselineId = await Query.BaselineIdAsync(cancellationToken);
        _loaded = true;
    }

    private async Task StopAsync()
    {
        _actionError = (await Runs.StopAsync(_user, RunId)).Problem;
        await ReloadAsync();
    }

    private async Task PinAsync()
    {
        _actionError = (await Changes.PinBaselineAsync(_user, RunId)).Problem;
        await ReloadAsync();
    }

    private static string Ms(double ms) => ms < 10 ? $"{ms:0.##} ms" : $"{ms:0.#} ms";
}
