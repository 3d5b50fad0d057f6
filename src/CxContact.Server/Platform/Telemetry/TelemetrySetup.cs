using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace CxContact.Server.Platform.Telemetry;

/// <summary>Metrics in Prometheus format at /metrics: ASP.NET Core, Orleans, the .NET runtime and the Dial Manager.</summary>
public static class TelemetrySetup
{
    public static void AddCxTelemetry(this IServiceCollection services, Hosting.PlatformSettings s)
    {
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("cxcontact", serviceInstanceId: $"{Environment.MachineName}:{s.SiloPort}"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans")
                .AddMeter(Messaging.MessagingMetrics.MeterName)
                .AddPrometheusExporter());
    }
}
