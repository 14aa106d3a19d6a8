import { Box, Text } from "ink";

/** Title line and progress: "Step 3 of about 9". */
export function Header({ title, step, total }: { title: string; step?: number; total?: number }) {
  return (
    <Box flexDirection="column" marginBottom={1}>
      <Text bold>{title}</Text>
      {step !== undefined && total !== undefined ? <Text dimColor>{`Step ${step} of about ${total}`}</Text> : null}
    </Box>
  );
}
