import { Box, Text } from "ink";

/** The typed text with a cursor block, the placeholder while empty, and the live error below. */
export function TextField({ buffer, placeholder, error, optional }: { buffer: string; placeholder?: string; error?: string; optional?: boolean }) {
  const hint = placeholder ?? (optional ? "(optional: Enter to skip)" : "");
  return (
    <Box flexDirection="column">
      <Text>
        <Text color="cyan">{"❯ "}</Text>
        {buffer === "" ? <Text dimColor>{hint}</Text> : <Text>{buffer}</Text>}
        <Text inverse> </Text>
      </Text>
      {error ? <Text color="red">{`✗ ${error}`}</Text> : null}
    </Box>
  );
}
