using CxContact.Server.Dialing;
using CxContact.Server.CallingList;

namespace CxContact.Server.Campaigns;

/// <summary>The Campaign Manager's and the dialer side's services.</summary>
public static class CampaignsHosting
{
    public static void AddCxCampaigns(this IServiceCollection services)
    {
        services.AddSingleton<CampaignStore>();
        services.AddSingleton<CallingListStore>();
        services.AddSingleton<PreloadQuery>();
        services.AddSingleton<PreloadHistory>();
        services.AddSingleton<CampaignRequestParser>();
        services.AddSingleton<CampaignStats>();
        services.AddSingleton<LeaseService>();
        services.AddSingleton<ResultRecorder>();
        services.AddSingleton<DncWriter>();
        services.AddSingleton<DialerSimulator>();
    }
}
