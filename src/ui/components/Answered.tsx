import { Box, Text } from "ink";
import type { AnsweredLine } from "../../wizard/machine.js";

/** The questions already answered, dim, so the user keeps the context; with a `limit`, only the latest. */
export function Answered({ lines, limit }: { lines: AnsweredLine[]; limit?: number }) {
  if (lines.length === 0) return null;
  const hidden = limit === undefined ? 0 : Math.max(0, lines.length - limit);
  return (
    <Box flexDirection="column" marginBottom={1}>
      {hidden > 0 ? <Text dimColor>{`✔ … ${hidden} earlier answer${hidden === 1 ? "" : "s"} (all on the summary)`}</Text> : null}
      {lines.slice(hidden).map((line) => (
        <Text key={line.nodeId} dimColor>
          {`✔ ${line.prompt} `}
          <Text bold>{line.shown}</Text>
        </Text>
      ))}
    </Box>
  );
}
