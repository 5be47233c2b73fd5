namespace X0tta6bl4.Ops.Load.Cli;

/// <summary>The CLI's exit codes; 99 is k6's for failed thresholds, so CI scripts written for k6 read ours alike.</summary>
public static class ExitCodes
{
    public const int Passed = 0;
    public const int RunFailed = 1;
    public const int BadPlan = 2;
    public const int ThresholdsFailed = 99;
}
