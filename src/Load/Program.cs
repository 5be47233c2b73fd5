namespace X0tta6bl4.Ops.Load;

internal static class Program
{
    private static int Main() => 0;
}
