namespace X0tta6bl4.Ops.Tests;

/// <summary>
/// The one way tests wait for something asynchronous: check a condition until it holds or a deadline
/// passes, then fail saying what was awaited — never a fixed sleep that hopes the work is done by then.
/// </summary>
public static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; the last reading was {value}.");
            }

            await Task.Delay(50, ct);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken ct = default) =>
        UntilAsync(() => Task.FromResult(condition()), done => done, timeout, what, ct);

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken ct = default) =>
        UntilAsync(condition, done => done, timeout, what, ct);
}
