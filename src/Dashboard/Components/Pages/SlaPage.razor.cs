using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Analysis;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class SlaPage
{
    [SupplyParameterFromQuery(Name = "job")] public string? Job { get; set; }
    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    private SlaModel? _model;
    private string? _error;
    private string? _editError;
    private bool _operator;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private readonly Dictionary<string, double> _edits = [];

    protected override async Task OnInitializedAsync()
    {
        _user = Auth is null ? new() : (await Auth).User;
        _operator = _user.IsInRole(Roles.Operator);
    }

    private async Task SaveTargetAsync(string id)
    {
        if (_model is null)
        {
            return;
        }

        var result = await Changes.SetTargetAsync(_user, id, _edits.GetValueOrDefault(id, _model.Rows.First(r => r.Id == id).TargetValue));
        _editError = result.Problem;
        if (result.Done)
        {
            _edits.Remove(id);
            await OnParametersSetAsync();
        }
    }

    private async Task SetBaselinesAsync()
    {
        if (_model is null)
        {
            return;
        }

        var result = await Changes.SetBaselinesAsync(_user, _model);
        _editError = result.Problem;
        if (result.Done)
        {
            await OnParametersSetAsync();
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _model = await Query.LoadAsync(Job, Window);
            _error = null;
        }
        catch (Exception e)
        {
            _error = e.Message;
        }
    }
}
