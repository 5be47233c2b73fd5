namespace X0tta6bl4.Ops.Collector.Sources;

/// <summary>The base address this process listens on, once it listens (for scraping its own /metrics).</summary>
public interface ISelfAddress
{
    Uri? BaseAddress { get; }
}
