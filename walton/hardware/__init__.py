"""The object layer: RFID tags, readers and sensors that sign data at the source."""
