namespace CxContact.Server.Platform.Hosting;

/// <summary>
/// Structured logs: one JSON object per line by default (what log shippers want); CXC_LOG_FORMAT=text gives
/// readable single lines for a terminal.
/// </summary>
public static class LoggingSetup
{
    public static ILoggingBuilder ConfigureCxLogging(this ILoggingBuilder logging, IConfiguration config)
    {
        logging.ClearProviders();
        logging.AddConfiguration(config.GetSection("Logging"));
        if (string.Equals(config["CXC_LOG_FORMAT"], "text", StringComparison.OrdinalIgnoreCase))
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        else
            logging.AddJsonConsole(o => { o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ"; o.UseUtcTimestamp = true; });
        return logging;
    }
}
