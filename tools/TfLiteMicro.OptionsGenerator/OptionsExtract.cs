using System.Security.Cryptography;
using System.Text;

namespace TfLiteMicro.OptionsGenerator;

/// <summary>
/// The facts of the schema that the options code depends on, and nothing else: the members of the
/// BuiltinOptions and BuiltinOptions2 unions with their tags, every field of those tables (id, name, type,
/// default, deprecation) and the enums those fields use. Kept in the repository as a tab-separated file whose
/// header names the schema it came from; the last header line is a checksum of the rows, so a hand edit shows.
/// </summary>
public sealed class OptionsExtract
{
    public static readonly string[] UnionNames = ["BuiltinOptions", "BuiltinOptions2"];

    private const string SourcePrefix = "# source: ";
    private const string SchemaHashPrefix = "# schema-sha256: ";
    private const string RowsHashPrefix = "# rows-sha256: ";

    public OptionsExtract(string source, string schemaSha256, IReadOnlyList<string> rows)
    {
        Source = source;
        SchemaSha256 = schemaSha256;
        Rows = rows;
        Parse(rows);
    }

    /// <summary>Where the schema came from: repository, path and commit.</summary>
    public string Source { get; }

    /// <summary>SHA-256 of the schema.fbs the rows were extracted from.</summary>
    public string SchemaSha256 { get; }

    public IReadOnlyList<string> Rows { get; }

    public Dictionary<string, FbsEnum> Enums { get; } = new(StringComparer.Ordinal);

    /// <summary>Union name to its members in tag order.</summary>
    public Dictionary<string, List<FbsUnionMember>> Unions { get; } = new(StringComparer.Ordinal);

    /// <summary>Table name to its fields in id order.</summary>
    public Dictionary<string, List<FbsField>> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Extracts the facts from a parsed schema.</summary>
    public static OptionsExtract FromSchema(FbsSchema schema, string source, string schemaSha256)
    {
        var rows = new List<string>();
        var enumsUsed = new SortedSet<string>(StringComparer.Ordinal);
        var enums = schema.Enums.ToDictionary(e => e.Name, StringComparer.Ordinal);
        var tables = schema.Tables.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (string unionName in UnionNames)
        {
            FbsUnion union = schema.Unions.SingleOrDefault(u => u.Name == unionName)
                ?? throw new FormatException($"the schema has no union {unionName}");
            foreach (FbsUnionMember member in union.Members)
                rows.Add(Row("union", unionName, member.Tag.ToString(System.Globalization.CultureInfo.InvariantCulture), member.Table,
                    member.Deprecated ? "deprecated" : ""));
            foreach (FbsUnionMember member in union.Members)
            {
                FbsTable table = tables.GetValueOrDefault(member.Table)
                    ?? throw new FormatException($"union {unionName} names table {member.Table}, which the schema does not declare");
                foreach (FbsField field in table.Fields.OrderBy(f => f.Id))
                {
                    rows.Add(Row("field", table.Name, field.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), field.Name,
                        field.Type, field.Default ?? "", field.Deprecated ? "deprecated" : ""));
                    string elementType = field.Type.Trim('[', ']');
                    if (enums.ContainsKey(elementType)) enumsUsed.Add(elementType);
                }
            }
        }
        foreach (string enumName in enumsUsed)
        {
            FbsEnum e = enums[enumName];
            rows.Add(Row("enum", e.Name, e.UnderlyingType));
            foreach (FbsEnumValue value in e.Values)
                rows.Add(Row("value", e.Name, value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), value.Name));
        }
        return new OptionsExtract(source, schemaSha256, rows);
    }

    public static OptionsExtract Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Reads the file text; throws when the rows do not match the checksum in the header.</summary>
    public static OptionsExtract Parse(string text, string what)
    {
        string? source = null, schemaHash = null, rowsHash = null;
        var rows = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(SourcePrefix, StringComparison.Ordinal)) source = line[SourcePrefix.Length..];
            else if (line.StartsWith(SchemaHashPrefix, StringComparison.Ordinal)) schemaHash = line[SchemaHashPrefix.Length..];
            else if (line.StartsWith(RowsHashPrefix, StringComparison.Ordinal)) rowsHash = line[RowsHashPrefix.Length..];
            else if (line.Length > 0 && !line.StartsWith('#')) rows.Add(line);
        }
        if (source is null || schemaHash is null || rowsHash is null)
            throw new FormatException($"{what}: the header must name the source, the schema's SHA-256 and the rows' SHA-256");
        string actual = HashRows(rows);
        if (actual != rowsHash)
            throw new FormatException($"{what}: the rows' SHA-256 is {actual}, the header says {rowsHash}: the rows were edited by hand; run the extract again");
        return new OptionsExtract(source, schemaHash, rows);
    }

    public string Format()
    {
        var text = new StringBuilder();
        text.Append("# Facts of TFLite's schema.fbs that the builtin-options views and the model writer depend on, written by\n");
        text.Append("# tools/TfLiteMicro.OptionsGenerator (extract). Rows: union, name, tag, table[, deprecated];\n");
        text.Append("# field, table, id, name, type, default (empty: zero), [deprecated]; enum, name, underlying type; value, enum, value, name.\n");
        text.Append(SourcePrefix).Append(Source).Append('\n');
        text.Append(SchemaHashPrefix).Append(SchemaSha256).Append('\n');
        text.Append(RowsHashPrefix).Append(HashRows(Rows)).Append('\n');
        foreach (string row in Rows) text.Append(row).Append('\n');
        return text.ToString();
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string HashRows(IEnumerable<string> rows) => Sha256(Encoding.UTF8.GetBytes(string.Join('\n', rows)));

    private static string Row(params string[] cells)
    {
        int last = cells.Length;
        while (last > 0 && cells[last - 1].Length == 0) last--;
        return string.Join('\t', cells, 0, last);
    }

    private void Parse(IReadOnlyList<string> rows)
    {
        var enumValues = new Dictionary<string, List<FbsEnumValue>>(StringComparer.Ordinal);
        var enumTypes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string row in rows)
        {
            string[] c = row.Split('\t');
            string Cell(int i) => i < c.Length ? c[i] : "";
            switch (c[0])
            {
                case "union":
                    if (!Unions.TryGetValue(Cell(1), out List<FbsUnionMember>? members)) Unions[Cell(1)] = members = [];
                    members.Add(new FbsUnionMember(Cell(3), long.Parse(Cell(2), System.Globalization.CultureInfo.InvariantCulture), Cell(4) == "deprecated"));
                    if (!Tables.ContainsKey(Cell(3))) Tables[Cell(3)] = [];
                    break;
                case "field":
                    if (!Tables.TryGetValue(Cell(1), out List<FbsField>? fields)) Tables[Cell(1)] = fields = [];
                    fields.Add(new FbsField(Cell(3), int.Parse(Cell(2), System.Globalization.CultureInfo.InvariantCulture), Cell(4),
                        Cell(5).Length == 0 ? null : Cell(5), Cell(6) == "deprecated"));
                    break;
                case "enum":
                    enumTypes[Cell(1)] = Cell(2);
                    enumValues[Cell(1)] = [];
                    break;
                case "value":
                    enumValues[Cell(1)].Add(new FbsEnumValue(Cell(3), long.Parse(Cell(2), System.Globalization.CultureInfo.InvariantCulture)));
                    break;
                default:
                    throw new FormatException($"unknown extract row '{row}'");
            }
        }
        foreach ((string name, string type) in enumTypes) Enums[name] = new FbsEnum(name, type, enumValues[name]);
    }
}
