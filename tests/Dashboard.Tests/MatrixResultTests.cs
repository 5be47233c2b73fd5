using System.Text.Json;
using Microsoft.AspNetCore.Http;
using X0tta6bl4.Ops.Dashboard.QueryApi;
using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Tests;

/// <summary>
/// A query_range answer says what the general JSON path says, whichever way it is formatted: small answers into one
/// buffer, large ones series by series on every core.
/// </summary>
public sealed class MatrixResultTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(3, 240)]          // one buffer
    [InlineData(60, 500)]         // 30,000 points: formatted in parallel
    public async Task Answer_EqualsTheSerializedMatrix(int seriesCount, int pointsEach)
    {
        var random = new Random(seriesCount * 1_000 + pointsEach);
        var series = Enumerable.Range(0, seriesCount).Select(s => new RangeSeries(
            new SeriesKey("bench_metric", [new Label("pod", $"api-{s}"), new Label("quote", "a\"b\\c")]),
            Enumerable.Range(0, pointsEach).Select(i => new Sample(1_795_132_800_000L + i * 15_000L + (i % 7 == 0 ? 500 : 0), i % 11 switch
            {
                0 => double.NaN,
                1 => double.PositiveInfinity,
                2 => random.Next(1_000_000),
                _ => random.NextDouble() * 1e6,
            })).ToList())).ToList();

        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await new MatrixResult(series).ExecuteAsync(context);
        await context.Response.BodyWriter.FlushAsync(TestContext.Current.CancellationToken);

        var expected = JsonSerializer.Serialize(new
        {
            status = "success",
            data = new
            {
                resultType = "matrix",
                result = series.Select(s => new
                {
                    metric = new Dictionary<string, string> { ["__name__"] = s.Key.Name }.Concat(s.Key.Labels.Select(l => KeyValuePair.Create(l.Name, l.Value))).ToDictionary(),
                    values = s.Points.Select(p => PromResponses.Point(p.TimestampMs, p.Value)),
                }),
            },
        });
        using var actualJson = JsonDocument.Parse(body.ToArray());
        using var expectedJson = JsonDocument.Parse(expected);
        Assert.True(JsonElement.DeepEquals(expectedJson.RootElement, actualJson.RootElement), "the answer differs from the serialized matrix");
        Assert.Equal(seriesCount, actualJson.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
    }
}
