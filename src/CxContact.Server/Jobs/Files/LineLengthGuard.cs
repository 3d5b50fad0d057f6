namespace CxContact.Server.Jobs.Files;

/// <summary>
/// Stops an import at a line longer than <see cref="MaxLineChars"/> before the parser would buffer it whole: a file of
/// one 1 GB line would otherwise take gigabytes of memory to be refused. It counts characters since the last line
/// break as the text streams through (a quoted value may span lines; each physical line is measured on its own).
/// </summary>
public sealed class LineLengthGuard(TextReader inner, int maxLineChars = LineLengthGuard.MaxLineChars) : TextReader
{
    /// <summary>
    /// 12 M characters (24 MB while parsed): far beyond any real contact row, yet a single over-long value (a 10 MB
    /// cell) is still read, and rejected as that row's error while the rest of the file imports; and below the
    /// longest row the CSV parser (Sep) takes at all.
    /// </summary>
    public const int MaxLineChars = 12 << 20;

    private long _sinceBreak;
    private int _line = 1;

    public override int Read(Span<char> buffer)
    {
        var n = inner.Read(buffer);
        for (var i = 0; i < n; i++)
        {
            if (buffer[i] == '\n') { _sinceBreak = 0; _line++; continue; }
            if (++_sinceBreak > maxLineChars)
                throw new ImportFailedException($"line {_line:N0} of the file is longer than {maxLineChars:N0} characters; no contact row is that long. " +
                    "Is the file a CSV file, and are its line breaks \\n or \\r\\n?");
        }
        return n;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 0 ? -1 : one[0];
    }

    public override int Peek() => inner.Peek();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
