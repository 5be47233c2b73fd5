using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using X0tta6bl4.Ops.Dashboard.Auth;
using X0tta6bl4.Ops.Dashboard.Components.Shared;
using X0tta6bl4.Ops.Dashboard.Model;
using X0tta6bl4.Ops.Dashboard.Reports.Exports;
using X0tta6bl4.Ops.Dashboard.Reports;
using X0tta6bl4.Ops.Metrics.Collection;
using X0tta6bl4.Ops.Metrics.Reports;

namespace X0tta6bl4.Ops.Dashboard.Components.Pages;

public partial class ReportPage
{
    [CascadingParameter] private Task<Microsoft.AspNetCore.Components.Authorization.AuthenticationState>? Auth { get; set; }

    [SupplyParameterFromQuery(Name = "window")] public string? Window { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }
    [SupplyParameterFromQuery(Name = "compare")] public string? Compare { get; set; }
    [SupplyParameterFromQuery(Name = "run")] public string? Run { get; set; }
    [SupplyParameterFromQuery(Name = "job")] public string? Job { get; set; }
    [SupplyParameterFromQuery(Name = "saved")] public long? SavedId { get; set; }
    [SupplyParameterFromQuery(Name = "against")] public long? Against { get; set; }

    /// <summary>Building longer than this shows the progress indicator.</summary>
    private static readonly TimeSpan ProgressAfter = TimeSpan.FromMilliseconds(500);

    private ReportRequest _request = ReportRequest.Default;
    private ReportModel? _model;
    private IReadOnlyList<string> _problems = [];
    private IReadOnlyList<SavedReport> _saved = [];
    private string? _error;
    private bool _building, _slow, _operator, _pdfAvailable, _changeOk;
    private long? _savedId;
    private string _window = ReportRequest.DefaultWindow, _compare = CompareModes.KeyOf(CompareWith.Previous);
    private string? _from, _to, _run, _job, _saveName, _changeMessage;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private ITimer? _progressTimer;
    private CancellationTokenSource? _cancel;

    protected override async Task OnInitializedAsync()
    {
        _user = Auth is null ? new() : (await Auth).User;
        _operator = _user.IsInRole(X0tta6bl4.Ops.Dashboard.Auth.Roles.Operator);
        _pdfAvailable = Pdf.ChromiumPath is not null;
    }

    protected override async Task OnParametersSetAsync()
    {
        _request = ReportRequest.Parse(Job, Window, From, To, Compare, Run, out var problems);
        _problems = problems;
        (_window, _from, _to, _job, _run) = (_request.WindowKey, _request.From, _request.To, _request.Job, _request.RunId?.ToString());
        _compare = CompareModes.KeyOf(_request.Compare);
        await BuildAsync();
    }

    private async Task BuildAsync()
    {
        // A new build supersedes the one in flight; each build disposes its own source once it is over and superseded
        // (disposing it under a build still using it would turn that build's cancellation into an error).
        var cancel = new CancellationTokenSource();
        var previous = _cancel;
        _cancel = cancel;
        previous?.Cancel();
        var ct = cancel.Token;
        (_building, _slow, _error, _changeMessage) = (true, false, null, null);
        _progressTimer?.Dispose();
        _progressTimer = Time.CreateTimer(_ => _ = InvokeAsync(() => { if (_building) { _slow = true; StateHasChanged(); } }), null, ProgressAfter, Timeout.InfiniteTimeSpan);
        try
        {
            _saved = await Saved.ListAsync(ct);
            if (SavedId is { } id)
            {
                var (model, problem) = await Saved.OpenAsync(id, Against, ct);
                _model = model;
                _savedId = model is null ? null : id;
                _problems = problem is null ? _problems : [.. _problems, problem];
            }
            else
            {
                _savedId = null;
                _model = await Builder.BuildAsync(_request, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e)
        {
            _error = e.Message;
        }
        finally
        {
            if (_cancel == cancel)
            {
                _building = false;
                _progressTimer?.Dispose();
            }
            else
            {
                cancel.Dispose();
            }
        }
    }

    private void Apply()
    {
        var request = ReportRequest.Parse(_job, _window, _from, _to, _compare, _run, out _);
        Navigation.NavigateTo("/report?" + request.ToQuery());
    }

    private string ExportLink(string format) =>
        _savedId is { } id ? $"/report/saved/{id}.{format}" : $"/report.{format}?{_request.ToQuery()}";

    private string ShareLink() => _savedId is { } id ? $"/report?saved={id}" : "/report?" + _request.ToQuery();

    private async Task SaveAsync()
    {
        if (_model is null)
        {
            return;
        }

        var (result, id) = await Changes.SaveAsync(_user, _model, _saveName);
        (_changeOk, _changeMessage) = (result.Done, result.Done ? $"Saved as report {id}." : result.Problem);
        _saved = await Saved.ListAsync(CancellationToken.None);
    }

    private async Task PinAsync()
    {
        if (_model is null)
        {
            return;
        }

        var result = await Changes.PinBaselineAsync(_user, _model.Window);
        (_changeOk, _changeMessage) = (result.Done, result.Done ? $"The baseline is now {_model.Window.Label}; choose \"The pinned baseline\" to compare with it." : result.Problem);
    }

    private static string CellClass(Figure figure, int column) =>
        column == 5 ? figure.Verdict switch { Verdict.Better => "mud-success-text", Verdict.Worse => "mud-error-text", _ => "" }
        : column == 1 && !figure.Measured ? "mud-text-secondary" : "";

    public void Dispose()
    {
        _cancel?.Cancel();
        _cancel?.Dispose();
        _progressTimer?.Dispose();
    }
}
