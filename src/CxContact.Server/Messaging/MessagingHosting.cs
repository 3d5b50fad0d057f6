using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Messaging;

/// <summary>The Dial Manager: templates and gateways everywhere (the API needs them); the sender on messaging silos only.</summary>
public static class MessagingHosting
{
    public static void AddCxMessaging(this IServiceCollection services, PlatformSettings settings)
    {
        // One line per message from HttpClient's own logging would drown the log at a few hundred texts a second.
        services.AddHttpClient("kannel", c => c.Timeout = TimeSpan.FromSeconds(15)).RemoveAllLoggers();
        services.AddSingleton<MessageTemplateStore>();
        services.AddSingleton<MessagingGatewayStore>();
        services.AddSingleton<MessageGateways>();
        services.AddSingleton<MessageOutbox>();
        services.AddSingleton<DeliveryReportWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryReportWriter>());
        if (settings.Has(SiloRoles.Messaging)) services.AddHostedService<MessageSender>();
    }
}
