using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Metrics.Alerts;
using X0tta6bl4.Ops.Metrics.Collection;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class AlertsPage
{
    [SupplyParameterFromQuery(Name = "severity")] public string? Severity { get; set; }
    [SupplyParameterFromQuery(Name = "rule")] public string? Rule { get; set; }
    [SupplyParameterFromQuery(Name = "state")] public string? State { get; set; }
    [SupplyParameterFromQuery(Name = "matchers")] public string? Matchers { get; set; }

    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    private AlertsModel? _model;
    private AlertmanagerPanel? _panel;
    private string? _ackError;
    private bool _operator;
    private System.Security.Claims.ClaimsPrincipal _user = new();

    protected override async Task OnInitializedAsync()
    {
        _user = Auth is null ? new() : (await Auth).User;
        _operator = _user.IsInRole(Roles.Operator);
    }

    protected override async Task LoadAsync(TimeRange range, CancellationToken cancellationToken) =>
        _model = await Query.LoadAsync(range, new AlertFilter(Severity, Rule, State, Matchers), cancellationToken);

    private void Filter(string name, string? value) => Navigation.NavigateTo(Navigation.GetUriWithQueryParameter(name, value));

    private async Task AcknowledgeAsync(X0tta6bl4.Ops.Dashboard.Model.Changes.AckRequest ack)
    {
        _ackError = (await Changes.AcknowledgeAsync(_user, ack.Id, ack.Owner, ack.Comment, ack.Silence)).Problem;
        await ReloadAsync();
    }
}
