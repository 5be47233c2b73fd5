using Prometheus;

namespace X0tta6bl4.Ops.Collector.Alerts.Delivery;

/// <summary>The delivery's own figures on /metrics: every alert sent, every post that failed, every notification given up.</summary>
public static class DeliveryMetrics
{
    public static readonly Counter AlertsSent = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_alerts_sent_total", "Alerts (firing or resolved) an Alertmanager accepted, by Alertmanager.", "alertmanager");

    public static readonly Counter PostsFailed = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_alert_posts_failed_total", "Posts to an Alertmanager that failed (unreachable, timed out, or refused); retried with backoff.", "alertmanager");

    public static readonly Counter Dropped = Prometheus.Metrics.CreateCounter(
        "x0tta6bl4_ops_alert_notifications_dropped_total",
        "Resolved alerts never delivered to an Alertmanager before their 15 minutes of resending ran out (it was down all that time).", "alertmanager");
}
